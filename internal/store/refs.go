package store

// PersonRef returns the reference that names the person with ID number id in links and list
// answers instead of the number (seal.Keyring.Ref). Without data keys, which only migration
// tooling runs (it serves no pages), the number itself is the reference.
func (db *DB) PersonRef(id string) string {
	if r := db.keyring(); r != nil && id != "" {
		return r.Ref(id)
	}
	return id
}

// PersonOf returns the ID number a person reference names; ok is false when s is not a
// reference of this database's keys.
func (db *DB) PersonOf(s string) (id string, ok bool) {
	if r := db.keyring(); r != nil {
		return r.OpenRef(s)
	}
	return "", false
}
