package ticket

import (
	"context"
	"time"
)

// Summary aggregates ticket metrics.
// It is a plain value.
type Summary struct {
	Tickets           int
	Responded         int           // tickets with a first response
	MeanFirstResponse time.Duration // over responded tickets
	MaxFirstResponse  time.Duration
	Resolved          int           // tickets in a resolved state
	MeanResolution    time.Duration // over resolved tickets
	Reopens           int           // total reopens
	Breaches          int           // total breached clock instances
	BreachedTickets   int           // tickets with at least one breach
}

// Summarize aggregates per-ticket statuses.
func Summarize(statuses []Status) Summary {
	var s Summary
	var frt, res time.Duration
	for _, st := range statuses {
		s.Tickets++
		if st.Responded {
			s.Responded++
			frt += st.FirstResponse
			s.MaxFirstResponse = max(s.MaxFirstResponse, st.FirstResponse)
		}
		if st.Resolved {
			s.Resolved++
			res += st.Resolution
		}
		s.Reopens += st.Reopens
		s.Breaches += st.Breaches
		if st.Breaches > 0 {
			s.BreachedTickets++
		}
	}
	if s.Responded > 0 {
		s.MeanFirstResponse = frt / time.Duration(s.Responded)
	}
	if s.Resolved > 0 {
		s.MeanResolution = res / time.Duration(s.Resolved)
	}
	return s
}

// Report evaluates the tickets matching q at the Service's now and returns
// their aggregate metrics and, per ticket id, their statuses.
func (s *Service) Report(ctx context.Context, q Query) (Summary, map[string]Status, error) {
	ts, err := s.Find(ctx, q)
	if err != nil {
		return Summary{}, nil, err
	}
	now := s.now()
	per := make(map[string]Status, len(ts))
	all := make([]Status, 0, len(ts))
	for i := range ts {
		d, err := s.definitionOf(&ts[i])
		if err != nil {
			return Summary{}, nil, err
		}
		st := s.SLA.Evaluate(d, &ts[i], now)
		per[ts[i].ID] = st
		all = append(all, st)
	}
	return Summarize(all), per, nil
}
