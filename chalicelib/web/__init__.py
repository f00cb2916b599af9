"""The desk's pages: server-rendered HTML from the same Chalice app, sized for a phone first."""
