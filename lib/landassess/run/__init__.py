"""Running years: the owner-checked writer and locks, the runner, batch, versions, validation."""
