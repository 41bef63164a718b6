package kb

import (
	"slices"
	"strings"
)

// Category is one node of the category tree (订单, 售后/退款, 活动 …) built
// from the entries' Category paths. The root has an empty Name and Path.
// Categories are plain values; a tree returned by Index.Categories is a copy
// the caller may keep or modify.
type Category struct {
	Name     string     // the last path segment, e.g. "退款"
	Path     []string   // the full path, e.g. ["售后", "退款"]
	Entries  []string   // ids of the entries filed directly here, sorted
	Total    int        // entries here and in every sub-category
	Children []Category // sub-categories, sorted by name
}

// Find returns the descendant at the given path below c (c itself for an
// empty path).
func (c *Category) Find(path ...string) (*Category, bool) {
	cur := c
	for _, seg := range path {
		i, ok := slices.BinarySearchFunc(cur.Children, seg, func(x Category, s string) int { return strings.Compare(x.Name, s) })
		if !ok {
			return nil, false
		}
		cur = &cur.Children[i]
	}
	return cur, true
}

// Categories returns the category tree of every entry, whatever its status
// (an editor shows drafts and hidden entries too). Entries without a
// category are filed at the root.
func (ix *Index) Categories() Category {
	root := Category{}
	for i := range ix.all {
		e := &ix.all[i]
		node := &root
		node.Total++
		for d, seg := range e.Category {
			j, ok := slices.BinarySearchFunc(node.Children, seg, func(x Category, s string) int { return strings.Compare(x.Name, s) })
			if !ok {
				node.Children = slices.Insert(node.Children, j, Category{Name: seg, Path: cloneStrings(e.Category[:d+1])})
			}
			node = &node.Children[j]
			node.Total++
		}
		node.Entries = append(node.Entries, e.ID) // ix.all is sorted by id
	}
	return root
}

// EntriesIn returns copies of the entries, of every status, filed in the
// category at path or below it, sorted by id. An empty path returns every
// entry.
func (ix *Index) EntriesIn(path ...string) []Entry {
	var out []Entry
	for i := range ix.all {
		c := ix.all[i].Category
		if len(c) >= len(path) && slices.Equal(c[:len(path)], path) {
			out = append(out, ix.all[i].clone())
		}
	}
	return out
}
