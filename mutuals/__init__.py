"""mutuals: a self-hostable professional network where a connection is a mutual commitment."""
