package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserWorkerFillsThePublicCalculatorAndSeesTheItems goes from the login page to the
// public calculator without signing in, describes a grade-7 injury in Weihai (环翠区) in 2017
// with the employment ended, and reads the itemised answer.
func TestBrowserWorkerFillsThePublicCalculatorAndSeesTheItems(t *testing.T) {
	b := newBrowser(t)
	b.do("open login", chromedp.Navigate(b.base+"/login"), chromedp.WaitVisible(chromedp.CSS("#login-calc")))
	b.do("follow the calculator link", chromedp.Click(chromedp.CSS("#login-calc")),
		chromedp.WaitVisible(chromedp.CSS("#calc-form")))
	if h := b.text("#calc-title"); h != "公众工伤待遇测算" {
		t.Errorf("title %q", h)
	}
	b.do("fill the form",
		chromedp.SetValue(chromedp.CSS("#injury_date"), "2017-06-01"),
		chromedp.SetValue(chromedp.CSS("#region"), "371002"),
		chromedp.SendKeys(chromedp.CSS("#own_wage"), "5000.00"),
		chromedp.SetValue(chromedp.CSS("#grade"), "7"),
		chromedp.Click(chromedp.CSS(`input[name="employment_ended"]`)),
		chromedp.SetValue(chromedp.CSS("#birth_date"), "1980-03-01"),
		chromedp.SetValue(chromedp.CSS("#retire_category"), "male"))
	b.shot("calc-01-public-form")
	b.do("calculate", chromedp.Click(chromedp.CSS("#calc-submit")), chromedp.WaitVisible(chromedp.CSS("#calc-items")))
	b.shot("calc-02-public-result")
	// Art. 37: the fund pays 5000 × 13 and the medical subsidy, the employer the employment
	// subsidy; Shandong's subsidies are 13 × 4809.75 (Weihai's 2016 average) each.
	if got := b.text("#total-fund-once"); got != "127,526.75" {
		t.Errorf("fund once total %q, want 127,526.75", got)
	}
	if got := b.text("#total-employer-once"); got != "62,526.75" {
		t.Errorf("employer once total %q, want 62,526.75", got)
	}
	if items := b.text("#calc-items"); !strings.Contains(items, "一次性伤残补助金") || !strings.Contains(items, "5000.00 × 13") {
		t.Errorf("items table lacks the lump sum and its formula: %q", items)
	}
}

// TestBrowserReviewerLoadsRegionParametersCalculatesAndPrintsTheNotice is the caseworker's
// page: a benefits reviewer enters a 2017 injury in Weihai, loads the region's parameters in
// force that day (the 2016 average wage 4809.75 appears in the form), calculates, and opens the
// printable benefit notice (待遇核定表) with the same totals.
func TestBrowserReviewerLoadsRegionParametersCalculatesAndPrintsTheNotice(t *testing.T) {
	b := newBrowser(t)
	b.login(b.base, "benefits_reviewer")
	b.step("calc-staff-01-form", chromedp.Navigate(b.base+"/benefits/calc"), chromedp.WaitVisible(chromedp.CSS("#calc-form")),
		chromedp.SetValue(chromedp.CSS("#injury_date"), "2017-06-01"),
		chromedp.SetValue(chromedp.CSS("#region"), "371002"),
		chromedp.Click(chromedp.CSS("#calc-load")), chromedp.WaitVisible(chromedp.CSS("#calc-loaded")))
	avg, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(`[id="params.area_avg_wage"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if avg != "4809.75" {
		t.Fatalf("loaded area_avg_wage %q, want Weihai's 2016 average 4809.75", avg)
	}
	b.step("calc-staff-02-result",
		chromedp.SendKeys(chromedp.CSS("#own_wage"), "5000.00"),
		chromedp.SetValue(chromedp.CSS("#grade"), "7"),
		chromedp.Click(chromedp.CSS(`input[name="employment_ended"]`)),
		chromedp.SetValue(chromedp.CSS("#birth_date"), "1980-03-01"),
		chromedp.SetValue(chromedp.CSS("#retire_category"), "male"),
		chromedp.Click(chromedp.CSS("#calc-submit")), chromedp.WaitVisible(chromedp.CSS("#calc-items")))
	if got := b.text("#total-fund-once"); got != "127,526.75" {
		t.Errorf("fund once total %q, want 127,526.75", got)
	}
	b.step("calc-staff-03-notice", chromedp.Click(chromedp.CSS("#calc-notice")), chromedp.WaitVisible(chromedp.CSS("#notice")))
	if got := b.text("#notice-fund-once"); got != "127,526.75" {
		t.Errorf("notice fund once total %q, want 127,526.75", got)
	}
}
