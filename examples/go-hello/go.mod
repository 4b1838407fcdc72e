module example.com/go-hello

go 1.19

require example.com/go-greeting v0.0.0

replace example.com/go-greeting => ../libs/go-greeting
