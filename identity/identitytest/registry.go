package identitytest

import (
	"testing"

	"github.com/kefu-go/kefu/identity"
)

const (
	phone1 = "13812345678"
	phone2 = "13900001111"
	phone3 = "13655556666"
	name1  = "张先生"
	name2  = "李女士"
	secret = "上海市徐汇区某路1号"
)

var secrets = []string{phone1, phone2, phone3, name1, name2, secret}

// TestRegistry drives an identity.Registry over stores made by newStore
// through every flow, and checks after each one that the store never
// received a phone number, a name or a sensitive attribute in clear. newStore
// must return a new, empty store on every call. Run it with -race.
func TestRegistry(t *testing.T, newStore func(t *testing.T) identity.Store) {
	t.Helper()
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"FirstContact", regFirstContact},
		{"ConcurrentFirstContact", regConcurrentFirstContact},
		{"LastSeen", regLastSeen},
		{"CacheInvalidation", regCacheInvalidation},
		{"Phone", regPhone},
		{"UnionIDMerge", regUnionIDMerge},
		{"MergeBlocked", regMergeBlocked},
		{"WeakerConflictMerges", regWeakerConflict},
		{"ManualMerge", regManualMerge},
		{"UndoMerge", regUndoMerge},
		{"UndoPhoneMerge", regUndoPhoneMerge},
		{"Member", regMember},
		{"MemberMerge", regMemberMerge},
		{"Tags", regTags},
		{"Update", regUpdate},
		{"Erase", regErase},
		{"EraseMerged", regEraseMerged},
		{"ForgetOpenID", regForgetOpenID},
		{"Reencrypt", regReencrypt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, newStore(t))
			tc.fn(t, e)
			e.store.checkNoPlaintext(t, secrets...)
		})
	}
}
