//! Finish-to-start networks: topological order, cycles, longest paths.

/// Orders nodes so every predecessor comes before its successors (Kahn's
/// algorithm, taking ready nodes in index order so the result is stable).
/// On a cycle, returns the nodes of one cycle, in order, first repeated at
/// the end.
pub fn topological_order(preds: &[Vec<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    let n = preds.len();
    let mut succs = vec![Vec::new(); n];
    let mut waiting: Vec<usize> = preds.iter().map(Vec::len).collect();
    for (node, list) in preds.iter().enumerate() {
        for &p in list {
            succs[p].push(node);
        }
    }
    let mut ready: std::collections::BTreeSet<usize> =
        (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(node) = ready.pop_first() {
        order.push(node);
        for &s in &succs[node] {
            waiting[s] -= 1;
            if waiting[s] == 0 {
                ready.insert(s);
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err(find_cycle(preds))
    }
}

/// One cycle of a graph that has one, by depth-first search along
/// predecessor links, reported in successor order.
fn find_cycle(preds: &[Vec<usize>]) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let n = preds.len();
    let mut mark = vec![Mark::New; n];
    for root in 0..n {
        if mark[root] != Mark::New {
            continue;
        }
        // (node, next predecessor index to try)
        let mut stack = vec![(root, 0usize)];
        mark[root] = Mark::OnStack;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&p) = preds[node].get(*next) {
                *next += 1;
                match mark[p] {
                    Mark::New => {
                        mark[p] = Mark::OnStack;
                        stack.push((p, 0));
                    }
                    Mark::OnStack => {
                        // Stack from p down to node is a chain of
                        // predecessors: p ← … ← node, and node needs p.
                        let start = stack.iter().position(|(s, _)| *s == p).unwrap_or(0);
                        let mut cycle: Vec<usize> =
                            stack[start..].iter().map(|(s, _)| *s).collect();
                        cycle.reverse();
                        cycle.push(cycle[0]);
                        return cycle;
                    }
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
                stack.pop();
            }
        }
    }
    Vec::new()
}

/// Longest path through the network with fixed durations: the project
/// length and one critical path (ties go to the lower index).
pub fn longest_path(order: &[usize], preds: &[Vec<usize>], durations: &[f64]) -> (f64, Vec<usize>) {
    let n = preds.len();
    let mut finish = vec![0.0; n];
    let mut via: Vec<Option<usize>> = vec![None; n];
    for &node in order {
        let mut start = 0.0;
        for &p in &preds[node] {
            // The first predecessor sets the start; a later one replaces it
            // only when it finishes strictly later.
            if via[node].is_none() || finish[p] > start {
                start = finish[p];
                via[node] = Some(p);
            }
        }
        finish[node] = start + durations[node];
    }
    let Some(mut last) = (0..n).max_by(|&a, &b| finish[a].total_cmp(&finish[b]).then(b.cmp(&a)))
    else {
        return (0.0, Vec::new());
    };
    let total = finish[last];
    let mut path = vec![last];
    while let Some(p) = via[last] {
        path.push(p);
        last = p;
    }
    path.reverse();
    (total, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_predecessors_first() {
        // 0 → 2, 1 → 2, 2 → 3
        let preds = vec![vec![], vec![], vec![0, 1], vec![2]];
        assert_eq!(topological_order(&preds), Ok(vec![0, 1, 2, 3]));
    }

    #[test]
    fn reports_a_cycle_in_order() {
        // 0 → 1 → 2 → 0, and 3 after 2.
        let preds = vec![vec![2], vec![0], vec![1], vec![2]];
        let cycle = topological_order(&preds).unwrap_err();
        assert_eq!(cycle.first(), cycle.last());
        assert_eq!(cycle.len(), 4);
        // Each node is a predecessor of the next.
        for pair in cycle.windows(2) {
            assert!(preds[pair[1]].contains(&pair[0]), "{cycle:?}");
        }
    }

    #[test]
    fn longest_path_follows_the_critical_chain() {
        let preds = vec![vec![], vec![], vec![0], vec![1], vec![2, 3]];
        let durations = [2.0, 3.0, 2.0, 4.0, 1.0];
        let order = topological_order(&preds).unwrap();
        let (total, path) = longest_path(&order, &preds, &durations);
        assert_eq!(total, 8.0);
        assert_eq!(path, vec![1, 3, 4]);
    }
}
