package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// config is the server's configuration, read from the environment so that the
// same binary runs in every deployment (see README "examples/server").
type config struct {
	AppID       string   // KEFU_APP_ID: the Official Account's AppID (wx…)
	AppSecret   string   // KEFU_APP_SECRET: for the API client (optional: no client without it)
	Token       string   // KEFU_TOKEN: 服务器配置 Token
	AESKeys     []string // KEFU_AES_KEY, KEFU_AES_KEY_PREVIOUS: EncodingAESKey(s); empty = plaintext mode only
	Listen      string   // KEFU_LISTEN: listen address, default ":8080"
	Path        string   // KEFU_PATH: callback path, default "/wechat"
	APIBaseURL  string   // KEFU_API_BASE_URL: WeChat API base URL (tests point it at mptest)
	KBFile      string   // KEFU_KB_FILE: knowledge base JSON (kb export format); default a small built-in one
	PostgresDSN string   // KEFU_POSTGRES_DSN: optional; dedup and window in PostgreSQL
	RedisURL    string   // KEFU_REDIS_URL: optional; token, dedup and window in Redis (preferred over PostgreSQL)
	LogLevel    slog.Level
	ShutdownIn  time.Duration // KEFU_SHUTDOWN_TIMEOUT: graceful shutdown bound, default 10s
}

var errConfig = errors.New("config")

// configFromEnv reads the configuration through getenv (os.Getenv in main).
func configFromEnv(getenv func(string) string) (config, error) {
	c := config{
		AppID:       strings.TrimSpace(getenv("KEFU_APP_ID")),
		AppSecret:   strings.TrimSpace(getenv("KEFU_APP_SECRET")),
		Token:       strings.TrimSpace(getenv("KEFU_TOKEN")),
		Listen:      strings.TrimSpace(getenv("KEFU_LISTEN")),
		Path:        strings.TrimSpace(getenv("KEFU_PATH")),
		APIBaseURL:  strings.TrimSpace(getenv("KEFU_API_BASE_URL")),
		KBFile:      strings.TrimSpace(getenv("KEFU_KB_FILE")),
		PostgresDSN: strings.TrimSpace(getenv("KEFU_POSTGRES_DSN")),
		RedisURL:    strings.TrimSpace(getenv("KEFU_REDIS_URL")),
		ShutdownIn:  10 * time.Second,
	}
	current, previous := strings.TrimSpace(getenv("KEFU_AES_KEY")), strings.TrimSpace(getenv("KEFU_AES_KEY_PREVIOUS"))
	if current == "" && previous != "" {
		return c, fmt.Errorf("%w: KEFU_AES_KEY_PREVIOUS is set without KEFU_AES_KEY", errConfig)
	}
	for _, k := range []string{current, previous} {
		if k != "" {
			c.AESKeys = append(c.AESKeys, k)
		}
	}
	if c.Listen == "" {
		c.Listen = ":8080"
	}
	if c.Path == "" {
		c.Path = "/wechat"
	}
	if v := getenv("KEFU_SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("%w: KEFU_SHUTDOWN_TIMEOUT %q: want a positive duration like 10s", errConfig, v)
		}
		c.ShutdownIn = d
	}
	if v := getenv("KEFU_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("%w: KEFU_LOG_LEVEL %q: want debug, info, warn or error", errConfig, v)
		}
	}
	switch {
	case c.AppID == "":
		return c, fmt.Errorf("%w: KEFU_APP_ID is required", errConfig)
	case c.Token == "":
		return c, fmt.Errorf("%w: KEFU_TOKEN is required", errConfig)
	}
	return c, nil
}
