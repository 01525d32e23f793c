"""Instagram: the Graph API publishes only for professional accounts a business manages, never
an employee's personal profile, and captions cannot carry links. Advocates get their text and
the picture to post in the app (the composer's copy flow)."""
