"""Fair staff scorecards (issue 13, point 5): a staff member's customer ratings (raw and shrunk
toward their unit's mean), audits and cases per period, the fair ranking of a unit subtree, and
the coaching notes supervisors address to them."""
