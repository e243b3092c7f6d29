"""我的消息: what the site tells each person — about their places, their teams, their households, notices."""
