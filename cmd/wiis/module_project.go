package main

// Project-based enrollment for construction: pages and API (/projects, /api/v1/projects).
import _ "wiis/internal/ui/projectui"
