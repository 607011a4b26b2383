// Command wiis is the work-injury insurance system: the web server and every batch and
// administration tool, as subcommands. Each subcommand lives in its own file and registers
// itself with internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"wiis/internal/cli"
)

// gcPercent is the garbage collector's target when GOGC is not set: a collection once the heap
// has grown by four times what is live, not the runtime's one time. wiis keeps little alive
// (25–30 MB in the soak, flat import and payroll heaps) and allocates per request, so the
// runtime's default spent a sixth of the server's CPU collecting; at four times, a node holds
// about 100 MB more and the load test served 7% more requests (docs/scaling.md).
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.DefaultEnv())
	stop()
	os.Exit(code)
}
