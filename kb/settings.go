package kb

import "math"

// Default thresholds, used for zero Settings fields.
const (
	DefaultAutoReplyScore  = 0.6
	DefaultAutoReplyMargin = 0.15
	DefaultMinScore        = 0.2
	DefaultRecommendations = 3
)

// Settings are the thresholds of one knowledge base. Unlike help desks that
// fix them globally, every knowledge base tunes its own. A zero field means
// its default.
type Settings struct {
	// AutoReplyScore is the score the top match needs to be answered
	// automatically. Zero means DefaultAutoReplyScore.
	AutoReplyScore float64 `json:"auto_reply_score,omitempty"`
	// AutoReplyMargin is how far the top match must be ahead of the runner-up
	// to be answered automatically. Zero means DefaultAutoReplyMargin.
	AutoReplyMargin float64 `json:"auto_reply_margin,omitempty"`
	// MinScore is the lowest score still offered as a recommendation. Zero
	// means DefaultMinScore.
	MinScore float64 `json:"min_score,omitempty"`
	// Recommendations is how many matches are offered to the agent when the
	// bot does not answer by itself. Zero means DefaultRecommendations.
	Recommendations int `json:"recommendations,omitempty"`
}

// withDefaults returns s with zero fields replaced by the defaults.
func (s Settings) withDefaults() Settings {
	if s.AutoReplyScore == 0 {
		s.AutoReplyScore = DefaultAutoReplyScore
	}
	if s.AutoReplyMargin == 0 {
		s.AutoReplyMargin = DefaultAutoReplyMargin
	}
	if s.MinScore == 0 {
		s.MinScore = DefaultMinScore
	}
	if s.Recommendations == 0 {
		s.Recommendations = DefaultRecommendations
	}
	return s
}

// Validate returns a *ValidationError if a threshold is negative, not a
// number, or the recommendation count is out of 0..50.
func (s Settings) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"auto_reply_score", s.AutoReplyScore}, {"auto_reply_margin", s.AutoReplyMargin}, {"min_score", s.MinScore}} {
		if f.v < 0 || math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return &ValidationError{Kind: "settings", Field: f.name, Msg: "must be a non-negative number"}
		}
	}
	if s.Recommendations < 0 || s.Recommendations > maxLimit {
		return &ValidationError{Kind: "settings", Field: "recommendations", Msg: "must be between 0 and 50"}
	}
	return nil
}
