package fundweb

import "wiis/internal/ui/chart"

// Line is one series of a chart (chart.Line; the drawer moved to package chart to be shared).
type Line = chart.Line

// LineChart draws a trend chart as inline SVG (chart.LineChart).
var LineChart = chart.LineChart
