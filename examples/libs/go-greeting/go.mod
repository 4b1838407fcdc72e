module example.com/go-greeting

go 1.19
