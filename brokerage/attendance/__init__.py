"""Meeting attendance and feedback: took place or no-show, ratings, organiser figures."""
