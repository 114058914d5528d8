from coding_review.export_view import render

render()
