package identity

import (
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"time"
)

// Customer is one person as the Registry sees them, decrypted.
//
// Customers returned by the Registry may share their slices and maps with its
// cache: treat them as read-only (reading from any goroutine is safe), or
// Clone before changing. Change a customer
// through Registry methods (Update, Tag, BindPhone, ...).
//
// A Customer prints and logs itself redacted (phone masked, name and sensitive
// attributes hidden, openids and unionid counted, not shown), through
// LogValue and Format. The zero value is "no customer".
type Customer struct {
	ID          string
	Version     int64 // store version, for information
	OpenIDs     []OpenID
	UnionID     string
	Phone       Phone
	MemberID    string // CRM member id
	MemberLevel string // e.g. "diamond"; set from the Directory or by Update
	Name        string // personal data: sealed at rest, never logged
	Tags        []string
	Attributes  map[string]string // plain attributes (stored in clear)
	Sensitive   map[string]string // personal attributes: sealed at rest, never logged
	FirstSeen   time.Time
	LastSeen    time.Time // persisted at most once per Config.CacheTTL
	MergeIDs    []string  // merge records this customer took part in
}

// OpenID returns the customer's openid in app.
func (c Customer) OpenID(app string) (string, bool) {
	for _, o := range c.OpenIDs {
		if o.App == app {
			return o.ID, true
		}
	}
	return "", false
}

// HasTag reports whether the customer carries tag.
func (c Customer) HasTag(tag string) bool { return slices.Contains(c.Tags, tag) }

// Clone returns a deep copy of c.
func (c Customer) Clone() Customer {
	c.OpenIDs = slices.Clone(c.OpenIDs)
	c.Tags = slices.Clone(c.Tags)
	c.Attributes = maps.Clone(c.Attributes)
	c.Sensitive = maps.Clone(c.Sensitive)
	c.MergeIDs = slices.Clone(c.MergeIDs)
	return c
}

// LogValue implements slog.LogValuer with a redacted group: id, number of
// openids, whether a unionid is known, masked phone, member id and level,
// tags, and the names (not values) of sensitive attributes. Plain attributes
// are included; the name, unionid and openids are not.
func (c Customer) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("id", c.ID),
		slog.Int("openids", len(c.OpenIDs)),
		slog.Bool("unionid", c.UnionID != ""),
	}
	if !c.Phone.IsZero() {
		attrs = append(attrs, slog.String("phone", c.Phone.Masked()))
	}
	if c.MemberID != "" {
		attrs = append(attrs, slog.String("member", c.MemberID))
	}
	if c.MemberLevel != "" {
		attrs = append(attrs, slog.String("level", c.MemberLevel))
	}
	if c.Name != "" {
		attrs = append(attrs, slog.String("name", "[redacted]"))
	}
	if len(c.Tags) > 0 {
		attrs = append(attrs, slog.Any("tags", c.Tags))
	}
	if len(c.Sensitive) > 0 {
		attrs = append(attrs, slog.Any("sensitive", slices.Sorted(maps.Keys(c.Sensitive))))
	}
	return slog.GroupValue(attrs...)
}

// Format implements fmt.Formatter with the same redaction as LogValue, so
// %v, %+v and %#v of a Customer (or of a struct holding one) never print
// personal data.
func (c Customer) Format(f fmt.State, verb rune) {
	_, _ = io.WriteString(f, "identity.Customer"+c.LogValue().String())
}

const recordAADPrefix = "kefu/identity/v1/customer:"

func recordAAD(id string) []byte { return appendRecordAAD(nil, id) }

// appendRecordAAD appends the additional authenticated data that binds a
// record's sealed fields to its customer id.
func appendRecordAAD(dst []byte, id string) []byte {
	dst = append(dst, recordAADPrefix...)
	return append(dst, id...)
}

// encode turns c into the record the store keeps: phone, name and sensitive
// attributes sealed, the phone blind-indexed.
func (k *Keyring) encode(c Customer) (Record, error) {
	r := Record{
		ID:          c.ID,
		Version:     c.Version,
		OpenIDs:     slices.Clone(c.OpenIDs),
		UnionID:     c.UnionID,
		MemberID:    c.MemberID,
		MemberLevel: c.MemberLevel,
		Tags:        slices.Clone(c.Tags),
		Attributes:  maps.Clone(c.Attributes),
		FirstSeen:   c.FirstSeen,
		LastSeen:    c.LastSeen,
		MergeIDs:    slices.Clone(c.MergeIDs),
	}
	if !c.Phone.IsZero() {
		r.PhoneIndex = k.phoneIndex(c.Phone)
	}
	if c.Phone.IsZero() && c.Name == "" && len(c.Sensitive) == 0 {
		return r, nil
	}
	x := k.getScratch()
	defer k.putScratch(x)
	x.pt = appendSealedFields(x.pt[:0], sealedFields{Phone: c.Phone.e164, Name: c.Name, Sensitive: c.Sensitive})
	x.aad = appendRecordAAD(x.aad[:0], c.ID)
	var err error
	r.Sealed, err = k.seal(x.pt, x.aad)
	return r, err
}

// decode opens a live record into a Customer. The customer shares no memory
// with r, so r may be a record lent by the store.
func (k *Keyring) decode(r Record) (Customer, error) {
	c := Customer{
		ID:          r.ID,
		Version:     r.Version,
		OpenIDs:     slices.Clone(r.OpenIDs),
		UnionID:     r.UnionID,
		MemberID:    r.MemberID,
		MemberLevel: r.MemberLevel,
		Tags:        slices.Clone(r.Tags),
		Attributes:  maps.Clone(r.Attributes),
		FirstSeen:   r.FirstSeen,
		LastSeen:    r.LastSeen,
		MergeIDs:    slices.Clone(r.MergeIDs),
	}
	if r.Sealed.IsZero() {
		return c, nil
	}
	f, err := k.openFields(r)
	if err != nil {
		return Customer{}, err
	}
	if f.Phone != "" {
		c.Phone = Phone{e164: f.Phone}
	}
	c.Name = f.Name
	c.Sensitive = f.Sensitive
	return c, nil
}

// openFields decrypts and parses the sealed fields of r. The decrypted bytes
// live only in pooled scratch space, zeroed after use; the result's strings
// share one allocation.
func (k *Keyring) openFields(r Record) (sealedFields, error) {
	x := k.getScratch()
	defer k.putScratch(x)
	x.aad = appendRecordAAD(x.aad[:0], r.ID)
	pt, err := k.openTo(x.pt[:0], r.Sealed, x.aad)
	if err != nil {
		return sealedFields{}, fmt.Errorf("identity: customer %s: %w", r.ID, err)
	}
	x.pt = pt // so putScratch zeroes it (and keeps a grown buffer)
	f, err := parseSealedFields(string(pt))
	if err != nil {
		return sealedFields{}, fmt.Errorf("%w: customer %s: %v", ErrDecrypt, r.ID, err)
	}
	return f, nil
}
