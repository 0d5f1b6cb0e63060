"""What a year publishes: the report and its charts, results.csv, the 公示名单, notices and templates."""
