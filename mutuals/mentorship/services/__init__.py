"""Every write on mentorship, one module per seam: `offers` (a mentor's offer), `mentorships`
(a request and its lifecycle), `progress` (check-ins, goals, reflections and testimonials) and
`programmes` (cohorts matched by ranking). Helpers they share are in `_common`."""
