module github.com/kefu-go/kefu/examples/server

go 1.26.0

require github.com/kefu-go/kefu v0.0.0

require golang.org/x/time v0.16.0 // indirect

replace github.com/kefu-go/kefu => ../..
