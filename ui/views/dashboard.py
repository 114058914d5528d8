from coding_review.dashboard_view import render

render()
