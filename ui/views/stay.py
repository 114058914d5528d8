from coding_review.stay_view import render

render()
