package web

import (
	"fmt"
	"html/template"
	"strings"
)

// bar is one bar of a chart: a label and a count.
type bar struct {
	Label string
	N     int
}

// chart is an inline SVG bar chart with its title and, for screen
// readers and a page without images, the same figures as a list.
type chart struct {
	Title string
	SVG   template.HTML
	Bars  []bar
}

// barChart draws horizontal bars, longest to scale with the largest
// count. Drawn here rather than by a charting library: a few rectangles
// need no script, and every label goes through template.HTMLEscapeString.
func barChart(title string, bars []bar) chart {
	const (
		rowH   = 28
		labelW = 140
		width  = 460
		barMax = width - labelW - 50
	)
	most := 0
	for _, b := range bars {
		most = max(most, b.N)
	}
	var s strings.Builder
	h := max(len(bars), 1)*rowH + 8
	fmt.Fprintf(&s, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`,
		template.HTMLEscapeString(title), width, h)
	if len(bars) == 0 {
		fmt.Fprintf(&s, `<text x="0" y="20">nothing yet</text>`)
	}
	for i, b := range bars {
		y := i*rowH + 4
		w := 0
		if most > 0 {
			w = b.N * barMax / most
		}
		if b.N > 0 {
			w = max(w, 2)
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-8, y+18, template.HTMLEscapeString(b.Label))
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="%d" rx="3"></rect>`, labelW, y+4, w, rowH-10)
		fmt.Fprintf(&s, `<text x="%d" y="%d">%d</text>`, labelW+w+6, y+18, b.N)
	}
	s.WriteString(`</svg>`)
	return chart{Title: title, SVG: template.HTML(s.String()), Bars: bars}
}
