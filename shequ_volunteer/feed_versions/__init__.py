"""How many times each calendar feed has changed: what the feeds' validators read (issue 15)."""
