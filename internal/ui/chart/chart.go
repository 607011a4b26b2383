// Package chart draws the server-side SVG charts of the back office (design.md, "charts drawn
// as SVG on the server"): inline SVG with no script and presentation attributes only, so the
// CSP holds. It began as the fund module's dashboard chart and is shared by every module.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Line is one series of a chart: its name and a value per label, with ok false where there is
// no figure (the line breaks there rather than dropping to zero).
type Line struct {
	Name   string
	Values []float64
	OK     []bool
}

// palette is colour-blind-safe (Okabe–Ito) so lines stay distinct in print and on screen.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}

// LineChart draws a trend chart as inline SVG: no script, no external file, presentation
// attributes only (the CSP forbids inline styles). Each point carries a <title> with its
// figure so it reads on hover and to screen readers; the axis starts at zero unless a
// figure is negative.
func LineChart(title string, labels []string, lines []Line) template.HTML {
	const w, h, left, right, top, bottom = 640.0, 220.0, 64.0, 12.0, 12.0, 44.0
	lo, hi := 0.0, 0.0
	have := false
	for _, l := range lines {
		for i, v := range l.Values {
			if i < len(l.OK) && l.OK[i] {
				lo, hi, have = math.Min(lo, v), math.Max(hi, v), true
			}
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	step := niceStep((hi - lo) / 4)
	lo = math.Floor(lo/step) * step
	hi = math.Ceil(hi/step) * step
	pw, ph := w-left-right, h-top-bottom
	x := func(i int) float64 {
		if len(labels) <= 1 {
			return left + pw/2
		}
		return left + pw*float64(i)/float64(len(labels)-1)
	}
	y := func(v float64) float64 { return top + ph*(hi-v)/(hi-lo) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="%s">`, w, h+18*float64((len(lines)+2)/3), html.EscapeString(title))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(title))
	for v := lo; v <= hi+step/2; v += step {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#d9dee3" stroke-width="1"/>`, left, w-right, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="end" fill="#616e7c">%s</text>`, left-6, y(v)+4, axisLabel(v))
	}
	every := (len(labels) + 11) / 12
	for i, l := range labels {
		if every > 1 && i%every != 0 && i != len(labels)-1 {
			continue
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" fill="#616e7c">%s</text>`, x(i), h-bottom+16, html.EscapeString(l))
	}
	if !have {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="13" text-anchor="middle" fill="#616e7c">—</text>`, left+pw/2, top+ph/2)
	}
	for si, l := range lines {
		col := palette[si%len(palette)]
		var seg []string
		flush := func() {
			if len(seg) > 1 {
				fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, col, strings.Join(seg, " "))
			}
			seg = seg[:0]
		}
		for i, v := range l.Values {
			if i >= len(l.OK) || !l.OK[i] {
				flush()
				continue
			}
			seg = append(seg, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		flush()
		for i, v := range l.Values {
			if i < len(l.OK) && l.OK[i] && i < len(labels) {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s: %s</title></circle>`,
					x(i), y(v), col, html.EscapeString(l.Name), html.EscapeString(labels[i]), axisLabel(v))
			}
		}
		lx, ly := left+float64(si%3)*190, h-bottom+34+18*float64(si/3)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="12" height="4" fill="%s"/><text x="%.1f" y="%.1f" font-size="12" fill="#1f2933">%s</text>`,
			lx, ly-4, col, lx+16, ly, html.EscapeString(l.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceStep rounds a raw tick step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// axisLabel writes a figure compactly: 12.5万 and 3.2亿 for large numbers, as Chinese
// reports do.
func axisLabel(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e8:
		return trim(fmt.Sprintf("%.2f", v/1e8)) + "亿"
	case a >= 1e4:
		return trim(fmt.Sprintf("%.2f", v/1e4)) + "万"
	}
	return trim(fmt.Sprintf("%.2f", v))
}

func trim(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
