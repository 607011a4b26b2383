package prevui

import (
	"context"
	"strconv"

	"wiis/internal/auth"
	"wiis/internal/prevention"
	"wiis/internal/prevention/prevstore"
	"wiis/internal/store"
	"wiis/internal/ui/panels"
)

// registerPanels adds prevention's sections to the counter's person and employer pages: the
// employer's prevention file in brief (no health data), and the worker's examinations,
// rehabilitation and return to work, shown only to the roles the health-data rule allows.
func registerPanels() {
	panels.Register(panels.Panel{Name: "prevention.employer_file", Kind: panels.Employer, Title: "pv.panel.file", Order: 60,
		Load: employerPanel})
	panels.Register(panels.Panel{Name: "prevention.worker_history", Kind: panels.Person, Title: "pv.panel.history", Order: 35,
		Roles: prevention.HealthDataRoles(), Load: workerPanel})
}

// employerPanel lists the employer's declared hazards, file entries and projects that reached
// it, newest first; suspected cases appear as a count only.
func employerPanel(ctx context.Context, q store.Querier, uscc string) (panels.Table, error) {
	t := panels.Table{Columns: []string{"pv.col.date", "pv.col.kind", "pv.col.summary"}, Empty: "pv.panel.file_empty", Note: "pv.panel.file_note"}
	f, err := prevstore.GetEmployerFile(ctx, q, uscc)
	if err != nil {
		return t, err
	}
	for _, hz := range f.Hazards {
		t.Rows = append(t.Rows, []panels.Cell{{Text: hz.DeclaredOn}, {Text: "pv.factor." + hz.Factor, Key: true},
			{Text: hz.Detail + " · " + strconv.Itoa(hz.Workers), Href: "/prevention/employers/" + uscc}})
	}
	for _, e := range f.Entries {
		t.Rows = append(t.Rows, []panels.Cell{{Text: e.On}, {Text: "pv.kind." + e.Kind, Key: true}, {Text: e.Summary}})
	}
	for _, tr := range f.Training {
		t.Rows = append(t.Rows, []panels.Cell{{Text: tr.StartOn}, {Text: "pv.type." + tr.Type, Key: true},
			{Text: tr.Name, Href: "/prevention/projects/" + strconv.FormatInt(tr.ProjectID, 10)}})
	}
	if f.OpenSuspects > 0 {
		t.Rows = append(t.Rows, []panels.Cell{{Text: ""}, {Text: "pv.panel.open_suspects", Key: true}, {Text: strconv.Itoa(f.OpenSuspects), Num: true}})
	}
	return t, nil
}

// panelViewer is the viewer of the person panel: the panel registry shows it only to the
// health-data roles, so it reads as one of them.
var panelViewer = prevstore.Viewer{Roles: []auth.Role{auth.PreventionOfficer}}

// workerPanel is the worker's history as one story (examination, injury, rehabilitation,
// return to work, compensation); the registry shows it only to the health-data roles.
func workerPanel(ctx context.Context, q store.Querier, id string) (panels.Table, error) {
	t := panels.Table{Columns: []string{"pv.col.date", "pv.col.kind", "pv.col.ref", "pv.col.detail", "pv.col.amount"}, Empty: "pv.panel.history_empty"}
	hs, err := prevstore.WorkerHistory(ctx, q, panelViewer, id)
	if err != nil {
		return t, err
	}
	for _, e := range hs {
		row := historyRow(e)
		t.Rows = append(t.Rows, []panels.Cell{{Text: e.On}, {Text: "pv.hist." + e.Kind, Key: true}, {Text: row.Ref, Href: row.Href}, {Text: row.Detail}, {Text: row.Amount, Num: true}})
	}
	return t, nil
}

// histRow is a history event as shown.
type histRow struct{ Ref, Href, Detail, Amount string }

func historyRow(e prevstore.HistoryEvent) histRow {
	r := histRow{Ref: e.Ref, Detail: e.Detail}
	switch e.Kind {
	case "rehab", "return":
		r.Ref, r.Href = "#"+e.Ref, "/rehab/"+e.Ref
	case "payment":
		r.Amount = e.Amount.Grouped()
	}
	return r
}
