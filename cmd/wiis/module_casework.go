package main

// The casework module: determination, assessment, benefits review, medical audit, advance
// payment pages and API, and its demo data.
import _ "wiis/internal/ui/caseui"
