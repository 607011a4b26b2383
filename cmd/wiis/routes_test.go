package main

import (
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

// TestEveryRouteOfTheBinaryAnswersAsItsPermissionSays walks the routes of every module this
// binary links in, not only the core ones (security.md: a test enumerates all routes).
func TestEveryRouteOfTheBinaryAnswersAsItsPermissionSays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		webtest.WalkRoutes(t, webtest.New(t, db))
	})
}

// TestHostileInputToEveryRouteOfTheBinary sends malformed and hostile input to the routes of
// every linked module (security.md: "a test posts malformed and hostile input ... to every API
// route and checks each gets a clear 4xx error and changes nothing").
func TestHostileInputToEveryRouteOfTheBinary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		webtest.HostileInput(t, webtest.New(t, db))
	})
}
