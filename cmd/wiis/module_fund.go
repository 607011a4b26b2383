package main

// The fund module's pages, API and demo data (issue 8).
import _ "wiis/internal/fund/fundweb"
