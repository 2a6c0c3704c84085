module example.com/fluxquery-export-client

go 1.19
