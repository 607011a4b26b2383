package main

// The counter, online service hall and self-service pages and API (issue 9).
import _ "wiis/internal/ui/counterui"
