from coding_review.worklist_view import render

render()
