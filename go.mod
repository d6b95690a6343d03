module github.com/kubectl-mannequin/kubectl-mannequin

go 1.26.0
