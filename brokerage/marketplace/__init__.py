"""The marketplace: approved participants who agreed to be listed, their opportunities,
search and filters, and suggestions of whom to meet."""
