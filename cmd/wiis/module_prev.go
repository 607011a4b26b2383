package main

// Prevention and rehabilitation pages and demo data (issue 11).
import _ "wiis/internal/ui/prevui"
