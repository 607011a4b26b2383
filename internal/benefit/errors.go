package benefit

// FieldError is an invalid or missing input, named by its JSON path (`grade`,
// `params.min_wage`, `dependents[2].relation`). Message is English (the contract's language);
// MessageZH is the same in Chinese for the UI. Every error DecodeCase, Validate and Calculate
// return is a *FieldError; the CLI prints it as {"error": {...}} with exit 2, the API as 422.
type FieldError struct {
	Field     string `json:"field"`
	Message   string `json:"message"`
	MessageZH string `json:"message_zh"`
}

// Error formats "field: message" in English, for logs.
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func fieldErr(field, en, zh string) *FieldError {
	return &FieldError{Field: field, Message: en, MessageZH: zh}
}

// missing reports a parameter or input an item needs and nobody gave.
func missing(field, item string) *FieldError {
	return fieldErr(field, field+" is required for "+item, "计算"+itemNames[item]+"需要"+field)
}
