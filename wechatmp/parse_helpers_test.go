package wechatmp

import "github.com/google/go-cmp/cmp"

func parseEqual(a, b Message) bool { return cmp.Equal(a, b) }
