package main

// The supervision and archives pages, API, panels and demo data (issue 13).
import _ "wiis/internal/ui/supui"
