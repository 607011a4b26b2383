// Command wiis is the work-injury insurance system: the web server and every batch and
// administration tool, as subcommands. Each subcommand lives in its own file and registers
// itself with internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"wiis/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.DefaultEnv())
	stop()
	os.Exit(code)
}
