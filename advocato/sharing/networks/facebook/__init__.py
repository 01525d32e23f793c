"""Facebook: apps cannot post to personal profiles (Meta removed `publish_actions` in 2018;
the Pages API is for pages, not people). Advocates share through Facebook's share dialog
(`services.share_url`), and the connected-accounts section says so plainly."""
