package main

import (
	"context"
	"sort"
	"time"

	"github.com/kefu-go/kefu/ticket"
)

// summary prints the day's report: volume by category, top questions,
// unanswered questions, first response times and SLA breaches.
func (d *deployment) summary(ctx context.Context) error {
	p := d.out
	p.printf("\n══ Summary %s\n", "══════════════════════════════════════════════════════════")

	type count struct {
		name string
		n    int
	}
	var vol []count
	for k, n := range d.host.volume {
		vol = append(vol, count{k, n})
	}
	sort.Slice(vol, func(i, j int) bool {
		if vol[i].n != vol[j].n {
			return vol[i].n > vol[j].n
		}
		return vol[i].name < vol[j].name
	})
	p.printf("Volume by category:\n")
	for _, c := range vol {
		p.printf("  %s %d\n", pad(c.name, 20), c.n)
	}

	rep := d.kb.Stats().Report(5)
	p.printf("Knowledge base: %d questions, %d answered by the bot, %d to a person, %d unanswered\n",
		rep.Questions, rep.Answered, rep.Human, rep.Unanswered)
	p.printf("Top questions:\n")
	for _, e := range rep.TopEntries {
		p.printf("  %s answered %d, suggested %d\n", pad(e.Question, 14), e.Answered, e.Suggested)
	}
	p.printf("Unanswered questions:\n")
	if len(rep.TopMisses) == 0 {
		p.printf("  (none)\n")
	}
	for _, m := range rep.TopMisses {
		p.printf("  %q × %d\n", m.Text, m.Count)
	}

	var total, worst time.Duration
	for _, r := range d.host.responses {
		total += r
		worst = max(worst, r)
	}
	if n := len(d.host.responses); n > 0 {
		p.printf("First response (bot or agent): %d conversations, mean %s, worst %s\n", n, (total / time.Duration(n)).Round(time.Second), worst)
	}

	sum, _, err := d.tickets.Report(ctx, ticket.Query{})
	if err != nil {
		return err
	}
	p.printf("Tickets: %d opened, %d resolved, first response mean %s, resolution mean %s\n",
		sum.Tickets, sum.Resolved, sum.MeanFirstResponse.Round(time.Second), sum.MeanResolution.Round(time.Second))
	breached, err := d.tickets.Breached(ctx, d.clock.Now(), 0)
	if err != nil {
		return err
	}
	p.printf("SLA breaches: %d (tickets:", sum.Breaches)
	for _, t := range breached {
		p.printf(" %s", t.ID)
	}
	p.printf(")\n")
	return nil
}
