package main

// Eligibility certification and overpayment pages, the person-page panel and demo data (issue 12).
import _ "wiis/internal/ui/certui"
