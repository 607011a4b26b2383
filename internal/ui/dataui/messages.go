package dataui

import "wiis/internal/web"

// messages are the module's texts, Chinese first; keys carry the "dx." prefix.
var messages = web.Messages{
	"dx.nav": {Zh: "数据交换（导入导出）", En: "Data exchange (import and export)"}, "dx.title": {Zh: "数据交换", En: "Data exchange"},
	"dx.export":      {Zh: "导出", En: "Export"},
	"dx.export_note": {Zh: "按交换文件格式（interchange.md）导出本辖区（%s）的数据，文件可原样再导入。每次导出记入审计日志（含行数）。", En: "Exports the data of your region (%s) in the interchange layouts (interchange.md); the files re-import unchanged. Every export is audited with its row count."},
	"dx.file":        {Zh: "文件", En: "File"}, "dx.columns": {Zh: "字段", En: "Columns"},
	"dx.import":      {Zh: "导入", En: "Import"},
	"dx.import_note": {Zh: "选择一个目录中的交换文件（CSV 或 XLSX，文件名如 employers.csv），可多选。逐行校验，有效行入库，无效行列入报告（文件:行: 字段: 原因）。单次上传合计不超过64 MiB，在本次请求内完成；更大的文件请在服务器上用 wiis import。", En: "Choose interchange files (CSV or XLSX, named like employers.csv); several at once. Every row is validated; valid rows are stored, invalid ones reported (file:line: column: reason). One upload is at most 64 MiB in all and runs within the request; for larger files use wiis import on the server."},
	"dx.files":       {Zh: "文件", En: "Files"}, "dx.upload": {Zh: "上传并导入", En: "Upload and import"},
	"dx.recent": {Zh: "最近的导入", En: "Recent imports"}, "dx.none": {Zh: "暂无", En: "None yet"},
	"dx.no_files":   {Zh: "请选择要导入的文件", En: "Choose the files to import"},
	"dx.no_layout":  {Zh: "没有这种交换文件", En: "No such interchange file"},
	"dx.no_import":  {Zh: "没有该导入记录", En: "No such import"},
	"dx.bad_format": {Zh: "格式应为 csv 或 xlsx", En: "The format must be csv or xlsx"},
	"dx.ignored":    {Zh: "不是交换文件，已忽略", En: "not an interchange file, ignored"},
	"dx.truncated":  {Zh: "报告过长，其余行未保存", En: "report too long: the remaining lines were not kept"},
	"dx.import_no":  {Zh: "导入 #%d", En: "Import #%d"},
	"dx.by":         {Zh: "操作人", En: "By"}, "dx.at": {Zh: "时间", En: "At"}, "dx.outcome": {Zh: "结果", En: "Outcome"},
	"dx.outcome.ok": {Zh: "全部导入", En: "all imported"}, "dx.outcome.partial": {Zh: "部分行被拒绝", En: "some rows rejected"},
	"dx.outcome.unusable": {Zh: "文件不可用，未导入", En: "unusable, nothing imported"}, "dx.outcome.failed": {Zh: "失败", En: "failed"},
	"dx.read": {Zh: "读取", En: "Read"}, "dx.imported": {Zh: "新增", En: "Imported"}, "dx.updated": {Zh: "更新", En: "Updated"},
	"dx.unchanged": {Zh: "未变", En: "Unchanged"}, "dx.rejected": {Zh: "拒绝", En: "Rejected"},
	"dx.report": {Zh: "问题行（文件:行: 字段: 原因）", En: "Problems (file:line: column: reason)"}, "dx.download": {Zh: "下载报告", En: "Download the report"},
	"dx.no_problems": {Zh: "没有问题行", En: "No problems"}, "dx.more": {Zh: "另有 %d 行，见下载的报告", En: "%d more lines in the downloaded report"},
	"dx.back": {Zh: "返回数据交换", En: "Back to data exchange"},
}
