from coding_review.sign_in_view import render

render()
