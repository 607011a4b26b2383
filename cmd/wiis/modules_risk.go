package main

// The risk investigators' pages and the payment officers' payroll batch pages (issues 6, 7).
import (
	_ "wiis/internal/ui/payrollui"
	_ "wiis/internal/ui/riskui"
)
