package wechatmp

import (
	"context"
	"fmt"
	"time"
)

// KfRecord is one message of the customer-service history.
type KfRecord struct {
	OpenID   string `json:"openid"`
	OperCode int    `json:"opercode"` // 2002 agent sent, 2003 agent received
	Text     string `json:"text"`
	Time     int64  `json:"time"`
	Worker   string `json:"worker"`
}

// KfRecordPage is one page of KfRecords.
type KfRecordPage struct {
	Records []KfRecord `json:"recordlist"`
	Number  int        `json:"number"`
	MsgID   int64      `json:"msgid"` // pass as fromMsgID to fetch the next page
}

// KfRecords returns up to number (≤ 10000) records between start and end (at
// most 24 h apart) from msgid fromMsgID (1 for the first page)
// (POST /customservice/msgrecord/getmsglist).
func (c *Client) KfRecords(ctx context.Context, start, end time.Time, fromMsgID int64, number int) (KfRecordPage, error) {
	if end.Sub(start) > 24*time.Hour || end.Before(start) {
		return KfRecordPage{}, fmt.Errorf("%w: record range must be within 24 hours", ErrInvalidMessage)
	}
	if number <= 0 || number > 10000 {
		number = 10000
	}
	if fromMsgID <= 0 {
		fromMsgID = 1
	}
	body := map[string]int64{"starttime": start.Unix(), "endtime": end.Unix(), "msgid": fromMsgID, "number": int64(number)}
	var p KfRecordPage
	err := c.clientPost(ctx, GroupKF, "/customservice/msgrecord/getmsglist", body, &p, true)
	return p, err
}
