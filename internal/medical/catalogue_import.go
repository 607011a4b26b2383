package medical

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"wiis/internal/calendar"
	"wiis/internal/money"
)

// CatalogueColumns are the columns of a catalogue file, CSV or the first sheet of an XLSX, in
// any order, named in English or Chinese on the header row. kind, code, name and from are
// required; the others may be absent or empty.
var CatalogueColumns = map[string][]string{
	"kind":         {"kind", "目录"},
	"code":         {"code", "编码"},
	"name":         {"name", "名称"},
	"category":     {"category", "类别"},
	"unit":         {"unit", "单位"},
	"price_limit":  {"price_limit", "限价"},
	"from":         {"from", "生效日期"},
	"to":           {"to", "失效日期"},
	"restricted":   {"restricted", "限定支付"},
	"max_quantity": {"max_quantity", "最大数量"},
}

// kindNames accepts the catalogue in Chinese too.
var kindNames = map[string]Kind{"药品": KindDrug, "诊疗项目": KindTreatment, "服务设施": KindFacility,
	"康复项目": KindRehab, "辅助器具": KindDevice}

// RowError is a rejected row of an import, by its 1-based row number in the file.
type RowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

func (e RowError) Error() string { return fmt.Sprintf("row %d, %s: %s", e.Row, e.Column, e.Message) }

// ReadCatalogueCSV reads catalogue entries from UTF-8 CSV (a BOM is skipped). Good rows are
// returned, bad ones listed with the reason; an unreadable file or header is an error.
func ReadCatalogueCSV(r io.Reader) ([]CatalogueItem, []RowError, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("catalogue csv: %w", err)
	}
	if len(rows) > 0 && len(rows[0]) > 0 {
		rows[0][0] = strings.TrimPrefix(rows[0][0], "\ufeff")
	}
	return parseCatalogueRows(rows)
}

// ReadCatalogueXLSX reads catalogue entries from the first sheet of an Excel workbook, in the
// layout of ReadCatalogueCSV.
func ReadCatalogueXLSX(r io.Reader) ([]CatalogueItem, []RowError, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, nil, fmt.Errorf("catalogue xlsx: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, errors.New("catalogue xlsx: no sheet")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, nil, fmt.Errorf("catalogue xlsx: %w", err)
	}
	return parseCatalogueRows(rows)
}

func parseCatalogueRows(rows [][]string) ([]CatalogueItem, []RowError, error) {
	if len(rows) == 0 {
		return nil, nil, errors.New("catalogue: empty file")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		h = strings.TrimSpace(h)
		for key, names := range CatalogueColumns {
			for _, n := range names {
				if strings.EqualFold(h, n) {
					col[key] = i
				}
			}
		}
	}
	for _, req := range []string{"kind", "code", "name", "from"} {
		if _, ok := col[req]; !ok {
			return nil, nil, fmt.Errorf("catalogue: header has no %s column", req)
		}
	}
	var items []CatalogueItem
	var bad []RowError
	for n, row := range rows[1:] {
		get := func(k string) string {
			if i, ok := col[k]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		if strings.Join(row, "") == "" {
			continue
		}
		it, rerr := parseCatalogueRow(get)
		if rerr != nil {
			rerr.Row = n + 2
			bad = append(bad, *rerr)
			continue
		}
		items = append(items, it)
	}
	return items, bad, nil
}

func parseCatalogueRow(get func(string) string) (CatalogueItem, *RowError) {
	fail := func(c, msg string) (CatalogueItem, *RowError) {
		return CatalogueItem{}, &RowError{Column: c, Message: msg}
	}
	it := CatalogueItem{Kind: Kind(get("kind")), Code: get("code"), Name: get("name"), Category: get("category"), Unit: get("unit")}
	if k, ok := kindNames[string(it.Kind)]; ok {
		it.Kind = k
	}
	if !it.Kind.Valid() {
		return fail("kind", "目录应为 drug/treatment/facility/rehab/device 或 药品/诊疗项目/服务设施/康复项目/辅助器具")
	}
	if it.Code == "" || it.Name == "" {
		return fail("code", "编码和名称必填 / code and name are required")
	}
	var err error
	if p := get("price_limit"); p != "" {
		if it.PriceLimit, err = money.Parse(p); err != nil || it.PriceLimit < 0 {
			return fail("price_limit", "限价应为金额 / not an amount")
		}
	}
	if it.From, err = calendar.ParseDate(get("from")); err != nil || it.From.IsZero() {
		return fail("from", "生效日期应为 YYYY-MM-DD")
	}
	if it.To, err = calendar.ParseDate(get("to")); err != nil || (!it.To.IsZero() && it.To.Before(it.From)) {
		return fail("to", "失效日期应为 YYYY-MM-DD，且不早于生效日期")
	}
	switch strings.ToLower(get("restricted")) {
	case "", "0", "false", "否", "n":
	case "1", "true", "是", "y":
		it.Restricted = true
	default:
		return fail("restricted", "限定支付应为 是/否")
	}
	if q := get("max_quantity"); q != "" {
		if it.MaxQuantity, err = ParseQty(q); err != nil {
			return fail("max_quantity", err.Error())
		}
	}
	return it, nil
}
