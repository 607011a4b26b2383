package main

// The data exchange page: interchange exports and uploads (/data).
import _ "wiis/internal/ui/dataui"
