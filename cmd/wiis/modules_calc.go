package main

// The benefit calculator's pages and API (POST /api/v1/calc, /calc, /benefits/calc, /policy).
import _ "wiis/internal/ui/calcui"
