package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"wiis/internal/cli"
)

// run runs `wiis args...` in-process with empty stdin and no environment and returns the exit
// code, stdout and stderr: the one way the command tests call the binary.
func run(args ...string) (int, string, string) { return runWith("", nil, args...) }

// runWith is run with stdin and environment variables.
func runWith(stdin string, vars map[string]string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	env := &cli.Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return vars[k] }}
	code := cli.Main(context.Background(), env)
	return code, out.String(), errb.String()
}

// spec/README.md: `wiis CMD -h` prints that command's help and exits 0; an unknown command
// prints the list of commands and exits 2. contracts.sh relies on both.
func TestEveryCommandHasBilingualHelpThatExitsZero(t *testing.T) {
	for _, c := range cli.Commands() {
		code, out, _ := run(c.Name, "-h")
		if code != 0 {
			t.Errorf("wiis %s -h exited %d", c.Name, code)
		}
		if !strings.Contains(out, "用法") || !strings.Contains(out, "usage") {
			t.Errorf("wiis %s -h lacks bilingual usage:\n%s", c.Name, out)
		}
	}
}

func TestUnknownCommandListsCommandsAndExitsTwo(t *testing.T) {
	code, _, errOut := run("no-such-command")
	if code != cli.ExitInvalid || !strings.Contains(errOut, "backup") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if code, out, _ := run("help"); code != 0 || !strings.Contains(out, "restore") {
		t.Fatalf("wiis help: exit %d, %q", code, out)
	}
}
