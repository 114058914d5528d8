from coding_review.accounts_view import render

render()
